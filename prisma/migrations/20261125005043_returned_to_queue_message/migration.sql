-- AlterEnum
ALTER TYPE "SystemMessageType" ADD VALUE 'RETURNED_TO_QUEUE';
