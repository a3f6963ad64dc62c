import { errorResponseSchema } from '@visage/contracts';

/** What every signed-in admin route shares in the OpenAPI document. */
export const adminTags = ['admin'];
export const adminSecurity = [{ OperatorSession: [] }];
/** The answers every signed-in admin route may give besides its own. */
export const adminErrors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema };
