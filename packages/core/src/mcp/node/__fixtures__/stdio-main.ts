// The fixture server over stdio, run as a child process by the tests.
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createFixtureServer } from "./fixture-server.js";

const server = createFixtureServer();
await server.connect(new StdioServerTransport());
// The client closing stdin ends the server, as a well-behaved stdio server does.
process.stdin.once("end", () => process.exit(0));
