import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ROLES, type Role as ConfigRole } from '#libs/config';
import { graphqlEnum } from '../common/enums.js';

export const Role = graphqlEnum(ROLES);
export type Role = ConfigRole;
registerEnumType(Role, { name: 'Role', description: 'What an API key may do (README: roles).' });

@ObjectType({ description: 'Who the caller is: the console shows only what this role may use.' })
export class Viewer {
  @Field(() => Role)
  role: Role;

  @Field({ description: "The key's name, as recorded in the events' actor." })
  name: string;

  @Field({ description: 'False when the server runs without keys (loopback development mode): there is nothing to sign in with.' })
  signedIn: boolean;
}
