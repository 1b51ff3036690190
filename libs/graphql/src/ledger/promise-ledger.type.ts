import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../scalars.js';

@ObjectType()
export class PromiseLedger {
  @Field(() => Int) made: number;
  @Field(() => Int) open: number;
  @Field(() => Int) kept: number;
  @Field(() => Int) broken: number;
  @Field(() => Int) released: number;
  @Field(() => Float, { nullable: true, description: 'kept / (kept + broken); null when both are 0' }) keptRate: number | null;
  @Field() neverBroken: boolean;
  @Field(() => DateTimeScalar, { nullable: true }) lastBrokenAt: Date | null;
  @Field(() => Int) keptStreak: number;
  @Field(() => DateTimeScalar) asOf: Date;
}
