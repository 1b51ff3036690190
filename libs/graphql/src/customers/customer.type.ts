import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../scalars.js';
import { CustomerKind } from '../common/enums.js';
import { PageInfo } from '../common/page.type.js';

@ObjectType()
export class Customer {
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true, description: "null once the customer's personal data is erased" }) name: string | null;
  @Field(() => CustomerKind) kind: CustomerKind;
  @Field(() => String, { nullable: true }) region: string | null;
  @Field(() => String, { nullable: true, description: "null when none was given, or once the customer's personal data is erased" }) email: string | null;
  @Field(() => DateTimeScalar) registeredAt: Date;
  @Field(() => Int) version: number;
  @Field(() => Boolean, { description: "true once the customer's personal data is erased (forgetCustomer)" }) erased: boolean;
  @Field(() => DateTimeScalar, { nullable: true }) erasedAt: Date | null;
}

@ObjectType()
export class CustomerConnection {
  @Field(() => [Customer]) nodes: Customer[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}
