-- AlterEnum
ALTER TYPE "ChatEventType" ADD VALUE 'VISITOR_UPDATED';

-- AlterTable: renamed, not dropped and re-added, so the time of each channel's last change stays.
-- It is set when the secret is created, rotated or removed, which "RotatedAt" did not say.
ALTER TABLE "Channel" RENAME COLUMN "identitySecretRotatedAt" TO "identitySecretChangedAt";

-- AlterTable: "verified" belongs to a channel and its current secret now (VisitorVerification),
-- not to the visitor. The old flag does not say which channel signed, so it is not carried over:
-- websites sign on every page, and the next signed startChat or identifyVisitor verifies again.
ALTER TABLE "Visitor" DROP COLUMN "emailVerified";

-- CreateTable
CREATE TABLE "VisitorVerification" (
    "channelId" UUID NOT NULL,
    "visitorId" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "verifiedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VisitorVerification_pkey" PRIMARY KEY ("channelId","visitorId")
);

-- CreateIndex
CREATE INDEX "VisitorVerification_visitorId_idx" ON "VisitorVerification"("visitorId");

-- AddForeignKey
ALTER TABLE "VisitorVerification" ADD CONSTRAINT "VisitorVerification_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VisitorVerification" ADD CONSTRAINT "VisitorVerification_visitorId_fkey" FOREIGN KEY ("visitorId") REFERENCES "Visitor"("id") ON DELETE CASCADE ON UPDATE CASCADE;
