import { describe, expect, it } from "vitest";
import { wireFixture } from "../__fixtures__/wire.js";
import { llamacppProps, llamacppSlotsInfo, tgiInfo } from "./server-info.js";

// TGI has no recorded /info body in ../shared/fixtures/wire: the bodies below carry the field
// names of the router's `Info` struct (1.x and 2.x) with the schema's example values.
describe("server info", () => {
  it("reads a TGI 1.x /info: the KV cache in tokens (max_batch_total_tokens) and the request limits", () => {
    const info = tgiInfo({
      model_id: "bigscience/blomm-560m",
      max_concurrent_requests: 128,
      max_best_of: 2,
      max_stop_sequences: 4,
      max_input_length: 1024,
      max_total_tokens: 2048,
      waiting_served_ratio: 1.2,
      max_batch_total_tokens: 32000,
      max_waiting_tokens: 20,
      max_batch_size: null,
      validation_workers: 2,
      max_client_batch_size: 32,
      router: "text-generation-router",
      version: "1.4.0",
    });
    expect(info).toEqual({
      source: "/info",
      kvCapacityTokens: 32000,
      maxRequestTokens: 2048,
      maxInputTokens: 1024,
      maxConcurrent: 128,
    });
  });

  it("leaves the KV capacity unknown for a TGI 2.x /info, which no longer reports it", () => {
    const info = tgiInfo({
      model_id: "meta-llama/Llama-3.1-8B-Instruct",
      model_pipeline_tag: "text-generation",
      max_concurrent_requests: 128,
      max_input_tokens: 1024,
      max_total_tokens: 2048,
      max_client_batch_size: 32,
      router: "text-generation-router",
      version: "2.4.0",
    });
    expect(info).toEqual({
      source: "/info",
      maxRequestTokens: 2048,
      maxInputTokens: 1024,
      maxConcurrent: 128,
    });
    expect(tgiInfo({ model_id: "x" })).toBeUndefined();
    expect(tgiInfo([1])).toBeUndefined();
  });

  it("reads llama.cpp's /props (its README example): one slot of 1,024 tokens", () => {
    const props = {
      default_generation_settings: {
        id: 0,
        id_task: -1,
        n_ctx: 1024,
        speculative: false,
        is_processing: false,
      },
      total_slots: 1,
      model_path: "../models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf",
      modalities: { vision: false },
      is_sleeping: false,
    };
    expect(llamacppProps(props)).toEqual({
      source: "/props",
      slots: 1,
      maxRequestTokens: 1024,
      kvCapacityTokens: 1024,
    });
    expect(llamacppProps({ ...props, total_slots: 4 })?.kvCapacityTokens).toBe(4096);
    expect(llamacppProps({ total_slots: 2 })).toEqual({ source: "/props", slots: 2 });
    expect(llamacppProps({ build_info: "b1" })).toBeUndefined();
  });

  it("reads the recorded llama.cpp /slots answer: two slots of 65,536 tokens", () => {
    const slots = JSON.parse(wireFixture("llamacpp/slots.docs-example.json"));
    expect(llamacppSlotsInfo(slots)).toEqual({
      source: "/slots",
      slots: 2,
      maxRequestTokens: 65536,
      kvCapacityTokens: 131072,
    });
    expect(llamacppSlotsInfo([])).toBeUndefined();
    expect(llamacppSlotsInfo([{ id: 0 }])).toBeUndefined();
  });
});
