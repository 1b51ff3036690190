import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { WebhookRegistry } from '#libs/webhooks';
import { WebhookDeliveryStatus } from '../common/enums.js';
import { toConnection } from '../common/page.type.js';
import { pageSize } from '../common/paging.js';
import { WEBHOOK_REGISTRY } from './webhook-registry.token.js';
import { CreateWebhookInput, CreatedWebhook, Webhook, WebhookDelivery, WebhookDeliveryConnection } from './webhook.types.js';

// No @Allow: every operation here is ADMIN's (a webhook sends the ledger's events anywhere).
@Resolver(() => Webhook)
export class WebhookResolver {
  constructor(@Inject(WEBHOOK_REGISTRY) private readonly registry: WebhookRegistry) {}

  @Query(() => [Webhook])
  webhooks() {
    return this.registry.list();
  }

  @ResolveField(() => WebhookDeliveryConnection)
  async deliveries(
    @Parent() webhook: Webhook,
    @Args('status', { type: () => WebhookDeliveryStatus, nullable: true }) status: WebhookDeliveryStatus | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    const page = await this.registry.deliveries(webhook.id, { status: status ?? undefined, first: pageSize(first), after: after ?? undefined });
    return toConnection(page);
  }

  @Mutation(() => CreatedWebhook)
  createWebhook(@Args('input') input: CreateWebhookInput) {
    return this.registry.create(input.url, input.events);
  }

  @Mutation(() => Boolean)
  deleteWebhook(@Args('id', { type: () => ID }) id: string) {
    return this.registry.delete(id);
  }

  @Mutation(() => WebhookDelivery)
  retryWebhookDelivery(@Args('id', { type: () => ID }) id: string) {
    return this.registry.retry(id);
  }
}
