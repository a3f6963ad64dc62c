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
