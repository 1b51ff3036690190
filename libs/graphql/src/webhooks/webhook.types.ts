import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { DateTimeScalar } from '../scalars.js';
import { PageInfo } from '../common/page.type.js';
import { WebhookDeliveryStatus, WebhookEventType } from '../common/enums.js';

@ObjectType()
export class Webhook {
  @Field(() => ID) id: string;
  @Field() url: string;
  @Field(() => [WebhookEventType]) events: WebhookEventType[];
  @Field() active: boolean;
  @Field(() => DateTimeScalar) createdAt: Date;
}

@ObjectType()
export class WebhookDelivery {
  @Field(() => ID, { description: 'the webhook-id header: the receiver\'s idempotency key' }) id: string;
  @Field(() => WebhookEventType) eventType: WebhookEventType;
  @Field({ description: 'the log position of the event it reports' }) position: string;
  @Field(() => WebhookDeliveryStatus) status: WebhookDeliveryStatus;
  @Field(() => Int) attempts: number;
  @Field(() => DateTimeScalar, { nullable: true }) lastAttemptAt: Date | null;
  @Field(() => Int, { nullable: true }) lastStatusCode: number | null;
  @Field(() => String, { nullable: true }) lastError: string | null;
}

@ObjectType()
export class WebhookDeliveryConnection {
  @Field(() => [WebhookDelivery]) nodes: WebhookDelivery[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}

@ObjectType()
export class CreatedWebhook {
  @Field(() => Webhook) webhook: Webhook;
  @Field({ description: 'the signing secret (whsec_…), shown once' }) secret: string;
}

@InputType()
export class CreateWebhookInput {
  @Field() @IsString() @MinLength(1) @MaxLength(2_000) url: string;
  @Field(() => [WebhookEventType])
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(Object.values(WebhookEventType).length)
  @IsIn(Object.values(WebhookEventType), { each: true })
  events: WebhookEventType[];
}
