import { Field, Int, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../scalars.js';

@ObjectType({ description: 'What a verification of the hash-chained log found (README: integrity).' })
export class IntegrityReport {
  @Field({ description: 'Every chained event up to head hashes as it was chained.' })
  verified: boolean;

  @Field(() => Int, { description: 'Events whose stored content was hashed again and matched.' })
  eventsChecked: number;

  @Field({ description: 'Position of the last event covered.' })
  head: string;

  @Field({ description: 'Hex digest committing to every event up to head.' })
  digest: string;

  @Field(() => String, { nullable: true, description: 'The first event that does not verify, when verified is false.' })
  firstBadPosition: string | null;

  @Field(() => String, { nullable: true, description: 'What is wrong there, in one line.' })
  problem: string | null;

  @Field(() => DateTimeScalar)
  checkedAt: Date;
}
