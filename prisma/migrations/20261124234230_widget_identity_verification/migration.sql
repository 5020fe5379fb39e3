-- AlterTable
ALTER TABLE "Channel" ADD COLUMN     "identitySecretRotatedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "VerifiedIdentity" (
    "channelId" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "firstVerifiedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastVerifiedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VerifiedIdentity_pkey" PRIMARY KEY ("channelId","email")
);

-- AddForeignKey
ALTER TABLE "VerifiedIdentity" ADD CONSTRAINT "VerifiedIdentity_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;
