import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { DateTimeScalar } from '../scalars.js';
import { ErrorStatus, ErrorType } from '../common/enums.js';
import { Money, MoneyInput } from '../common/money.type.js';
import { PageInfo } from '../common/page.type.js';

@ObjectType()
export class ErrorIncident {
  @Field(() => ID) id: string;
  customerId: string;
  @Field(() => ErrorType) type: ErrorType;
  @Field(() => ErrorStatus) status: ErrorStatus;
  @Field(() => DateTimeScalar) occurredAt: Date;
  @Field(() => String, { nullable: true }) reference: string | null;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => Money, { nullable: true, description: 'null when unpriced' }) cost: Money | null;
  @Field(() => Int) version: number;
}

@ObjectType()
export class ErrorIncidentConnection {
  @Field(() => [ErrorIncident]) nodes: ErrorIncident[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}

@InputType()
export class RecordErrorInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() @MinLength(1) @MaxLength(100) id?: string | null;
  @Field(() => ID) @IsString() @MinLength(1) @MaxLength(100) customerId: string;
  @Field(() => ErrorType) @IsIn(Object.values(ErrorType)) type: ErrorType;
  @Field(() => DateTimeScalar, { nullable: true }) @IsOptional() @IsDate() occurredAt?: Date | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) reference?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2_000) description?: string | null;
  @Field(() => MoneyInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => MoneyInput) cost?: MoneyInput | null;
}

@InputType({ isAbstract: true })
abstract class ErrorTransitionInput {
  @Field(() => ID) @IsString() @MinLength(1) @MaxLength(100) id: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) expectedVersion?: number | null;
}

@InputType()
export class ResolveErrorInput extends ErrorTransitionInput {
  @Field() @IsString() @MinLength(1) @MaxLength(2_000) resolution: string;
}

@InputType()
export class VoidErrorInput extends ErrorTransitionInput {
  @Field() @IsString() @MinLength(1) @MaxLength(2_000) reason: string;
}
