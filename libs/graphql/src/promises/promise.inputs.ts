import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsDate, IsIn, IsInt, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';
import { DateTimeScalar } from '../scalars.js';
import { PromiseKind, TouchPoint } from '../common/enums.js';

const REASON = 2_000;

/** A promise made without a touch point was made by a person. */
export const DEFAULT_TOUCH_POINT: TouchPoint = TouchPoint.HUMAN;

@InputType()
export class MakePromiseInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() @MinLength(1) @MaxLength(100) id?: string | null;
  @Field(() => ID) @IsString() @MinLength(1) @MaxLength(100) customerId: string;
  @Field(() => PromiseKind) @IsIn(Object.values(PromiseKind)) kind: PromiseKind;
  @Field(() => TouchPoint, { nullable: true, defaultValue: DEFAULT_TOUCH_POINT }) @IsOptional() @IsIn(Object.values(TouchPoint)) touchPoint?: TouchPoint | null;
  @Field() @IsString() @MinLength(1) @MaxLength(REASON) description: string;
  @Field(() => DateTimeScalar, { nullable: true, description: 'required, unless dueInBusinessHours is given' }) @IsOptional() @IsDate() dueBy?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) @IsOptional() @IsDate() madeAt?: Date | null;
  @Field(() => ID, { nullable: true, description: "the promise's clock follows this calendar" }) @IsOptional() @IsString() @MinLength(1) @MaxLength(100) calendarId?: string | null;
  @Field(() => Int, { nullable: true, description: 'instead of dueBy: dueBy is computed from madeAt on the calendar' })
  @IsOptional()
  @IsInt()
  dueInBusinessHours?: number | null;
}

@InputType({ isAbstract: true })
abstract class PromiseTransitionInput {
  @Field(() => ID) @IsString() @MinLength(1) @MaxLength(100) id: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) expectedVersion?: number | null;
}

@InputType()
export class AmendPromiseInput extends PromiseTransitionInput {
  // The contract keeps dueBy required here; on a calendar promise the new date's risk moments count business time.
  @Field(() => DateTimeScalar) @IsDate() dueBy: Date;
  @Field() @IsString() @MinLength(1) @MaxLength(REASON) reason: string;
}

@InputType()
export class KeepPromiseInput extends PromiseTransitionInput {
  @Field(() => DateTimeScalar, { nullable: true }) @IsOptional() @IsDate() keptAt?: Date | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(REASON) evidence?: string | null;
}

@InputType()
export class BreakPromiseInput extends PromiseTransitionInput {
  @Field() @IsString() @MinLength(1) @MaxLength(REASON) reason: string;
}

@InputType()
export class ReleasePromiseInput extends PromiseTransitionInput {
  @Field() @IsString() @MinLength(1) @MaxLength(REASON) reason: string;
}

@InputType()
export class FulfilPromiseLateInput extends PromiseTransitionInput {
  @Field(() => DateTimeScalar, { nullable: true }) @IsOptional() @IsDate() fulfilledAt?: Date | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(REASON) evidence?: string | null;
}

@InputType()
export class PausePromiseInput extends PromiseTransitionInput {
  @Field() @IsString() @MinLength(1) @MaxLength(REASON) reason: string;
}

@InputType()
export class ResumePromiseInput extends PromiseTransitionInput {}
