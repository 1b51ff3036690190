import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class PageInfo {
  @Field() hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

/** What every paged query returns before it is shaped into a *Connection. */
export interface PageResult<T> {
  nodes: T[];
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
}

export const toConnection = <T>(page: PageResult<T>) => ({
  nodes: page.nodes,
  totalCount: page.totalCount,
  pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
});

export const MAX_PAGE_SIZE = 500;
