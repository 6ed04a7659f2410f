/** Voice calls: the per-call token voice-call mints and voucher-mcp checks. */
export { CallClaims, mintCallToken, type TokenRefusal, verifyCallToken } from "./token.ts";
