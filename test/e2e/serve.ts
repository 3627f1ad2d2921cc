/** The API handler and the monitor on one loopback port, through the local farm's own http adapter (lib/local). */
import type { ApiHandler } from "../../lib/http/api-handler.ts";
import { apiServer, closeServer, listen, type StaticHandler } from "../../lib/local/http-adapter.ts";

export interface ServedApi {
  url: string;
  close(): Promise<void>;
}

export async function serveApi(api: ApiHandler, monitor: StaticHandler): Promise<ServedApi> {
  const server = apiServer(api, monitor);
  const url = await listen(server);
  return { url, close: () => closeServer(server) };
}
