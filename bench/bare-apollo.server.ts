// The baseline server of the graphql section: a bare @apollo/server 5 standalone, in its own
// process like our API. `hello` is the one-field query; `twoQueries` makes two trivial PostgreSQL
// round trips (what a customer-ledger query needs), so the cost of the database on this machine
// can be told apart from the cost of our stack; `accept` takes an appendEvents-sized JSON batch
// and only counts it.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLScalarType } from 'graphql';
import pg from 'pg';

const JSONScalar = new GraphQLScalarType({ name: 'JSON' });
const [port, databaseUrl] = process.argv.slice(2);
const pool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 10 }) : undefined;

const server = new ApolloServer({
  typeDefs: `
    scalar JSON
    type Query { hello: String!  twoQueries: Int! }
    type Mutation { accept(input: JSON!): Int! }
  `,
  resolvers: {
    JSON: JSONScalar,
    Query: {
      hello: () => 'world',
      twoQueries: async () => {
        if (!pool) throw new Error('started without a database');
        await pool.query('select 1 as one');
        return (await pool.query('select 2 as two')).rows[0].two as number;
      },
    },
    Mutation: { accept: (_: unknown, args: { input: { events?: unknown[] } }) => args.input.events?.length ?? 0 },
  },
});

const { url } = await startStandaloneServer(server, { listen: { port: Number(port), host: '127.0.0.1' } });
process.send?.({ url });
process.on('SIGTERM', () => void Promise.all([server.stop(), pool?.end()]).then(() => process.exit(0)));
