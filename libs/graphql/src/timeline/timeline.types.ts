import { Field, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar, JsonScalar } from '../scalars.js';
import { PageInfo } from '../common/page.type.js';

@ObjectType()
export class TimelineEntry {
  @Field({ description: 'global position in the event log' }) position: string;
  @Field({ description: 'event type, e.g. PromiseMade' }) type: string;
  @Field(() => DateTimeScalar) occurredAt: Date;
  @Field(() => DateTimeScalar) recordedAt: Date;
  @Field({ description: 'one human line, e.g. "Promise made: deliver order 4411 by 2026-12-01"' }) summary: string;
  @Field(() => JsonScalar) data: unknown;
}

@ObjectType()
export class TimelineConnection {
  @Field(() => [TimelineEntry]) nodes: TimelineEntry[];
  @Field(() => PageInfo) pageInfo: PageInfo;
}
