/**
 * Types of the admin API (/admin/api), inferred from the contracts' zod schemas. Type-only imports: no zod code
 * reaches the bundle. Where an area's schema is not in the contracts yet, the shape the plan describes is written
 * out by hand below (marked "planned").
 */
import type * as C from '@visage/contracts';
import type { z } from 'zod';

export type AdminSession = z.infer<typeof C.adminSessionSchema>;
export type Operator = z.infer<typeof C.adminOperatorSchema>;
export type OperatorRole = Operator['role'];
export type OperatorList = z.infer<typeof C.adminOperatorListSchema>;
export type OperatorCreated = z.infer<typeof C.adminOperatorCreatedSchema>;
export type CustomerSummary = z.infer<typeof C.adminCustomerSummarySchema>;
export type CustomerList = z.infer<typeof C.adminCustomerListSchema>;
export type CustomerDetail = z.infer<typeof C.adminCustomerDetailSchema>;
export type AgreementList = z.infer<typeof C.adminAgreementListSchema>;
export type AgreementVersion = z.infer<typeof C.adminAgreementVersionSchema>;
export type AgreementAcceptances = z.infer<typeof C.adminAgreementAcceptanceListSchema>;
export type AuditPage = z.infer<typeof C.adminAuditPageSchema>;
export type AuditEntry = z.infer<typeof C.adminAuditEntrySchema>;
export type AuditVerification = z.infer<typeof C.adminAuditVerificationSchema>;
export type Dashboard = z.infer<typeof C.adminDashboardSchema>;
export type TopupList = z.infer<typeof C.adminTopupRequestListSchema>;
export type Topup = z.infer<typeof C.adminTopupRequestSchema>;
export type AdminWallet = z.infer<typeof C.adminWalletSchema>;
export type AdminStatement = z.infer<typeof C.adminStatementSchema>;
export type BonusGrantResult = z.infer<typeof C.bonusGrantResultSchema>;
export type AdminPriceList = z.infer<typeof C.adminPriceListSchema>;
export type PriceChangeResult = z.infer<typeof C.priceChangeResultSchema>;
export type AnnouncementList = z.infer<typeof C.announcementListSchema>;
export type AnnouncementSent = z.infer<typeof C.announcementSentSchema>;
export type AdminComplaintList = z.infer<typeof C.adminComplaintListSchema>;
export type AdminComplaint = z.infer<typeof C.adminComplaintSchema>;
export type ComplaintUpdated = z.infer<typeof C.complaintUpdatedSchema>;
export type MailOutbox = z.infer<typeof C.mailOutboxSchema>;
export type Industry = z.infer<typeof C.industrySchema>;
export type IndustryList = z.infer<typeof C.industryListSchema>;
export type CertificationQueue = z.infer<typeof C.certificationQueueSchema>;
export type CertificationReview = z.infer<typeof C.certificationReviewSchema>;
export type CertificationDecision = z.infer<typeof C.certificationDecisionSchema>;
export type ScreeningMatch = z.infer<typeof C.screeningMatchSchema>;
export type SanctionsLists = z.infer<typeof C.sanctionsListsSchema>;
export type SanctionsImport = z.infer<typeof C.sanctionsImportSchema>;
