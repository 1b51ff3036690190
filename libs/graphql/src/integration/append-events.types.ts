import { Field, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsIn, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { JsonScalar } from '../scalars.js';

export const IntegrationEventType = {
  CUSTOMER_REGISTERED: 'CUSTOMER_REGISTERED',
  PROMISE_MADE: 'PROMISE_MADE',
  PROMISE_AMENDED: 'PROMISE_AMENDED',
  PROMISE_KEPT: 'PROMISE_KEPT',
  PROMISE_BROKEN: 'PROMISE_BROKEN',
  PROMISE_RELEASED: 'PROMISE_RELEASED',
  PROMISE_FULFILLED_LATE: 'PROMISE_FULFILLED_LATE',
  PROMISE_PAUSED: 'PROMISE_PAUSED',
  PROMISE_RESUMED: 'PROMISE_RESUMED',
  ERROR_RECORDED: 'ERROR_RECORDED',
  ERROR_RESOLVED: 'ERROR_RESOLVED',
  ERROR_VOIDED: 'ERROR_VOIDED',
} as const;
export type IntegrationEventType = keyof typeof IntegrationEventType;
registerEnumType(IntegrationEventType, { name: 'IntegrationEventType' });

export const AppendOutcome = { APPENDED: 'APPENDED', DUPLICATE: 'DUPLICATE', REJECTED: 'REJECTED' } as const;
export type AppendOutcome = keyof typeof AppendOutcome;
registerEnumType(AppendOutcome, { name: 'AppendOutcome' });

export const MAX_BATCH_ITEMS = 1_000;

@InputType()
export class IntegrationEventInput {
  @Field() @IsString() @MinLength(1) @MaxLength(200) externalId: string;
  @Field(() => IntegrationEventType) @IsIn(Object.values(IntegrationEventType)) type: IntegrationEventType;
  // Checked against the matching mutation's input per item, so that one bad item rejects only itself.
  @Field(() => JsonScalar) @IsDefined() payload: unknown;
}

@InputType()
export class AppendEventsInput {
  @Field() @IsString() @MinLength(1) @MaxLength(100) source: string;
  @Field(() => [IntegrationEventInput])
  @IsArray()
  @ArrayMaxSize(MAX_BATCH_ITEMS, { message: `a batch holds at most ${MAX_BATCH_ITEMS} events` })
  @ValidateNested({ each: true })
  @Type(() => IntegrationEventInput)
  events: IntegrationEventInput[];
}

@ObjectType()
export class AppendEventResult {
  @Field() externalId: string;
  @Field(() => AppendOutcome) outcome: AppendOutcome;
  @Field(() => String, { nullable: true, description: 'for REJECTED: the error code, e.g. BAD_USER_INPUT, INVALID_STATE, CONFLICT' })
  code?: string | null;
  @Field(() => String, { nullable: true }) message?: string | null;
}

@ObjectType()
export class AppendEventsResult {
  @Field(() => Int) appended: number;
  @Field(() => Int) duplicates: number;
  @Field(() => Int) rejected: number;
  @Field(() => [AppendEventResult], { description: 'one per input item, in input order' }) results: AppendEventResult[];
}
