/**
 * Response and request types of the console API, inferred from the contracts' zod schemas. Type-only imports: no zod
 * code reaches the bundle.
 */
import type * as C from '@visage/contracts';
import type { z } from 'zod';

export type Session = z.infer<typeof C.consoleSessionSchema>;
export type User = Session['user'];
export type SessionList = z.infer<typeof C.consoleSessionListSchema>;
export type Organization = z.infer<typeof C.consoleOrganizationSchema>;
export type AgreementState = z.infer<typeof C.consoleAgreementSchema>;
export type AgreementVersion = z.infer<typeof C.agreementVersionSchema>;
export type App = z.infer<typeof C.consoleAppSchema>;
export type AppList = z.infer<typeof C.consoleAppListSchema>;
export type AppUpdate = z.infer<typeof C.appUpdateRequestSchema>;
export type ApiKey = z.infer<typeof C.apiKeySchema>;
export type ApiKeyList = z.infer<typeof C.apiKeyListSchema>;
export type IssuedApiKey = z.infer<typeof C.issuedApiKeySchema>;
export type RotatedApiKey = z.infer<typeof C.rotatedApiKeySchema>;
export type WalletBalances = z.infer<typeof C.walletBalancesSchema>;
export type WalletStatement = z.infer<typeof C.walletStatementSchema>;
export type PriceList = z.infer<typeof C.priceListSchema>;
export type UsageReport = z.infer<typeof C.usageReportSchema>;
export type CallLog = z.infer<typeof C.callLogSchema>;
export type MailMode = z.infer<typeof C.mailModeSchema>;
export type TopupRequest = z.infer<typeof C.topupRequestSchema>;
export type TopupRequestList = z.infer<typeof C.topupRequestListSchema>;
export type BalanceAlert = z.infer<typeof C.balanceAlertSchema>;
export type NoticeList = z.infer<typeof C.noticeListSchema>;
export type Notice = z.infer<typeof C.noticeSchema>;
export type NoticeUnread = z.infer<typeof C.noticeUnreadSchema>;
export type Complaint = z.infer<typeof C.complaintSchema>;
export type ComplaintList = z.infer<typeof C.complaintListSchema>;
export type ComplaintFiled = z.infer<typeof C.complaintFiledSchema>;
export type DeletionReceipt = z.infer<typeof C.consoleDeletionReceiptSchema>;
export type DeletionReceiptList = z.infer<typeof C.deletionReceiptListSchema>;
export type ConsentSummary = z.infer<typeof C.consentSummarySchema>;
export type Industry = z.infer<typeof C.industrySchema>;
export type IndustryList = z.infer<typeof C.industryListSchema>;
export type CertificationState = z.infer<typeof C.consoleCertificationSchema>;
export type CertificationSave = z.infer<typeof C.certificationSaveRequestSchema>;
export type CertificationDocument = z.infer<typeof C.certificationDocumentSchema>;
export type WebhookSettings = z.infer<typeof C.webhookSettingsSchema>;
export type WebhookSecretInfo = z.infer<typeof C.webhookSecretInfoSchema>;
export type WebhookSecretIssued = z.infer<typeof C.webhookSecretIssuedSchema>;
export type WebhookEvent = z.infer<typeof C.webhookEventSchema>;
export type WebhookEventList = z.infer<typeof C.webhookEventListSchema>;
export type WebhookEventDetail = z.infer<typeof C.webhookEventDetailSchema>;
export type WebhookAttempt = z.infer<typeof C.webhookAttemptSchema>;
export type WebhookEventType = WebhookEvent['type'];
export type WebhookDeliveryStatus = WebhookEvent['status'];
/**
 * PATCH /console/api/apps/{id} answers the app; when that save gave the app its first webhook URL and it had no
 * signing secret yet, the answer also carries the secret issued for it (shown only there).
 */
export type SavedApp = App & { readonly webhook_secret?: WebhookSecretIssued };
