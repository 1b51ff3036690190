import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { CustomerKind } from '../common/enums.js';

@InputType()
export class RegisterCustomerInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() @MinLength(1) @MaxLength(100) id?: string | null;
  @Field() @IsString() @MinLength(1) @MaxLength(200) name: string;
  @Field(() => CustomerKind) @IsIn(Object.values(CustomerKind)) kind: CustomerKind;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(100) region?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsEmail() @MaxLength(320) email?: string | null;
}

@InputType()
export class ForgetCustomerInput {
  @Field(() => ID) @IsString() @MinLength(1) @MaxLength(100) id: string;
  @Field({ description: 'why the personal data is erased (kept with the erasure: write no personal data here)' })
  @IsString()
  @MinLength(1)
  @MaxLength(2_000)
  reason: string;
}
