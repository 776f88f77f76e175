export { type OtelExporter, type OtelExporterOptions, otelExporter } from "./otel-exporter.js";
export { genAiProviderName } from "./provider-names.js";
