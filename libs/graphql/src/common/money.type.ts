import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';

@ObjectType({ description: 'Money as a decimal string with the currency\'s minor digits: { amount: "250.00", currency: "USD" }.' })
export class Money {
  @Field() amount: string;
  @Field() currency: string;
}

/** Strict parsing (minor digits, ISO currency) happens in the domain's parseMoney. */
@InputType()
export class MoneyInput {
  @Field() @IsString() @MaxLength(40) amount: string;
  @Field() @IsString() @MaxLength(3) currency: string;
}
