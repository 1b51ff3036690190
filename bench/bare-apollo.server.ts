// The baseline server of the graphql section: a bare @apollo/server 5 standalone, in its own
// process like our API. `hello` is the one-field query; `accept` takes an appendEvents-sized
// JSON batch and only counts it, so the cost of moving a batch through Apollo is measured too.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLScalarType } from 'graphql';

const JSONScalar = new GraphQLScalarType({ name: 'JSON' });

const server = new ApolloServer({
  typeDefs: `
    scalar JSON
    type Query { hello: String! }
    type Mutation { accept(input: JSON!): Int! }
  `,
  resolvers: {
    JSON: JSONScalar,
    Query: { hello: () => 'world' },
    Mutation: { accept: (_: unknown, args: { input: { events?: unknown[] } }) => args.input.events?.length ?? 0 },
  },
});

const port = Number(process.argv[2]);
const { url } = await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
process.send?.({ url });
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
