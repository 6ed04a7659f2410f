/**
 * The HTTP layer: the frame every function runs in, request checks, bearer authentication, and the
 * one mapping from errors to statuses. Only the function entries and this folder speak HTTP.
 */
export { requireBearer } from "./auth.ts";
export { errorResponse, HttpError, jsonResponse, toHttpError } from "./errors.ts";
export { readBodyLimited, readJsonObject, requireMethod } from "./request.ts";
export { createRequestLog, type RequestLog, type RequestRecord } from "./request_log.ts";
export { type Handler, lazyFetch, type RequestContext, serveFunction } from "./serve.ts";
