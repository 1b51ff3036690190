import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsDate, IsIn, ValidateNested } from 'class-validator';
import { DateTimeScalar } from '../scalars.js';
import { CustomerKind, ErrorType } from '../common/enums.js';
import { Money, MoneyInput } from '../common/money.type.js';

@ObjectType()
export class ErrorCostSummary {
  @Field(() => Int, { description: 'voided errors never count' }) errors: number;
  @Field(() => Int) billingErrors: number;
  @Field(() => Int) shippingErrors: number;
  @Field(() => Int) unpricedErrors: number;
  @Field(() => [Money], { description: 'one entry per currency' }) cost: Money[];
}

@ObjectType()
export class ErrorCostRow {
  @Field() key: string;
  @Field(() => Int) errors: number;
  @Field(() => Int) unpricedErrors: number;
  @Field(() => [Money]) cost: Money[];
}

@ObjectType()
export class ErrorCostForecast {
  @Field(() => Int) windowDays: number;
  @Field(() => Int) errorsInWindow: number;
  @Field(() => [Money]) annualCost: Money[];
}

@ObjectType()
export class ErrorCostPolicy {
  @Field(() => CustomerKind) customerKind: CustomerKind;
  @Field(() => ErrorType) errorType: ErrorType;
  @Field(() => Money) costPerError: Money;
  @Field(() => DateTimeScalar) effectiveFrom: Date;
}

@InputType()
export class SetErrorCostPolicyInput {
  @Field(() => CustomerKind) @IsIn(Object.values(CustomerKind)) customerKind: CustomerKind;
  @Field(() => ErrorType) @IsIn(Object.values(ErrorType)) errorType: ErrorType;
  @Field(() => MoneyInput) @ValidateNested() @Type(() => MoneyInput) costPerError: MoneyInput;
  @Field(() => DateTimeScalar) @IsDate() effectiveFrom: Date;
}
