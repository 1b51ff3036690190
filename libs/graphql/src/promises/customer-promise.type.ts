import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsBoolean, IsDate, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { DateTimeScalar } from '../scalars.js';
import { PromiseKind, PromiseStatus, RiskLevel, TouchPoint } from '../common/enums.js';
import { PageInfo } from '../common/page.type.js';

@ObjectType()
export class CustomerPromise {
  @Field(() => ID) id: string;
  customerId: string;
  @Field(() => PromiseKind) kind: PromiseKind;
  @Field(() => TouchPoint) touchPoint: TouchPoint;
  @Field() description: string;
  @Field(() => DateTimeScalar) madeAt: Date;
  @Field(() => DateTimeScalar) dueBy: Date;
  @Field(() => DateTimeScalar, { description: 'dueBy as first promised, before any amendment' }) originalDueBy: Date;
  @Field(() => Int) amendments: number;
  @Field(() => PromiseStatus) status: PromiseStatus;
  @Field(() => DateTimeScalar, { nullable: true }) keptAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) brokenAt: Date | null;
  @Field(() => String, { nullable: true, description: 'DEADLINE_PASSED when the system detected it' }) brokenReason: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'a broken promise delivered late' }) fulfilledAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) releasedAt: Date | null;
  @Field({ description: 'risk is AT_RISK or CRITICAL' }) atRisk: boolean;
  @Field(() => Int, { description: 'stream revision: pass it back as expectedVersion' }) version: number;
  @Field(() => Boolean, { description: 'open with its clock stopped (waiting on the customer)' }) paused: boolean;
  @Field(() => DateTimeScalar, { nullable: true }) pausedAt: Date | null;
  @Field(() => RiskLevel, { description: 'as recorded: AT_RISK and CRITICAL once the watcher recorded the crossing (within a second)' }) risk: RiskLevel;
  // Resolved in promise.resolver.ts: calendar (from this reference), pausedSeconds, elapsedRatio.
  calendar: { id: string; version: number } | null;
  clockMs: number;
  pausedMs: number;
}

@ObjectType()
export class PromiseConnection {
  @Field(() => [CustomerPromise]) nodes: CustomerPromise[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}

@InputType()
export class PromiseFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() @MaxLength(100) customerId?: string;
  @Field(() => PromiseStatus, { nullable: true }) @IsOptional() @IsIn(Object.values(PromiseStatus)) status?: PromiseStatus;
  @Field(() => PromiseKind, { nullable: true }) @IsOptional() @IsIn(Object.values(PromiseKind)) kind?: PromiseKind;
  @Field(() => DateTimeScalar, { nullable: true }) @IsOptional() @IsDate() dueBefore?: Date;
  @Field(() => DateTimeScalar, { nullable: true }) @IsOptional() @IsDate() dueAfter?: Date;
  @Field(() => Boolean, { nullable: true, description: 'only promises at risk or critical (true) or neither (false)' })
  @IsOptional()
  @IsBoolean()
  atRisk?: boolean;
  @Field(() => RiskLevel, { nullable: true }) @IsOptional() @IsIn(Object.values(RiskLevel)) risk?: RiskLevel;
  @Field(() => Boolean, { nullable: true, description: 'only paused promises (true) or only those not paused (false)' })
  @IsOptional()
  @IsBoolean()
  paused?: boolean;
}
