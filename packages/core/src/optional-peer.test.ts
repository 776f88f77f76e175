import { describe, expect, it } from "vitest";
import { ProviderUnavailableError } from "./errors.js";
import { optionalPeer } from "./optional-peer.js";

/** What Node's ESM loader throws for a package that is not installed. */
function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from /app/node_modules/x.js`), {
    code: "ERR_MODULE_NOT_FOUND",
  });
}

describe("optionalPeer", () => {
  it("loads the module once, on the first call, and then reports it as loaded", async () => {
    let imports = 0;
    const peer = optionalPeer("some-sdk", "@keel/x/entry", async () => {
      imports++;
      return { value: 42 };
    });
    expect(imports).toBe(0);
    expect(peer.loaded()).toBeUndefined();
    const [a, b] = await Promise.all([peer.load(), peer.load()]);
    expect(a).toBe(b);
    expect(await peer.load()).toBe(a);
    expect(peer.loaded()).toBe(a);
    expect(imports).toBe(1);
  });

  it("turns a missing package into a ProviderUnavailableError that names the package and the install command", async () => {
    const peer = optionalPeer("some-sdk", "@keel/x/entry", () => Promise.reject(notFound("some-sdk")));
    const error = await peer.load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ retryable: false, provider: "some-sdk" });
    expect((error as Error).message).toBe(
      "some-sdk is not installed; @keel/x/entry needs this optional peer dependency: run `npm i some-sdk`",
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(peer.loaded()).toBeUndefined();
  });

  it("says why an installed package failed to load, without telling the user to install it", async () => {
    const inner = Object.assign(new Error("Cannot find module '/app/node_modules/some-sdk/dist/x.js'"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    const peer = optionalPeer("some-sdk", "@keel/x/entry", () => Promise.reject(inner));
    const error = (await peer.load().catch((e: unknown) => e)) as ProviderUnavailableError;
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.message).toContain("some-sdk could not be loaded for @keel/x/entry");
    expect(error.message).not.toContain("npm i");
  });

  it("does not remember a failure: a package installed later loads on the next call", async () => {
    let installed = false;
    const peer = optionalPeer("some-sdk", "@keel/x/entry", async () => {
      if (!installed) throw notFound("some-sdk");
      return { ok: true };
    });
    await expect(peer.load()).rejects.toBeInstanceOf(ProviderUnavailableError);
    installed = true;
    expect(await peer.load()).toEqual({ ok: true });
  });
});
