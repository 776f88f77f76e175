export { EvalInputError, WordNetError } from "./eval-errors.js";
