export { loadPdf, pageOf } from "./pdf-loader.js";
