-- CreateIndex
CREATE INDEX "ApiToken_createdById_idx" ON "ApiToken"("createdById");

-- CreateIndex
CREATE INDEX "Channel_faqFolderId_idx" ON "Channel"("faqFolderId");

-- CreateIndex
CREATE INDEX "ChatSession_companyId_idx" ON "ChatSession"("companyId");

-- CreateIndex
CREATE INDEX "FollowUp_ownerId_idx" ON "FollowUp"("ownerId");

-- CreateIndex
CREATE INDEX "Message_agentId_idx" ON "Message"("agentId");

-- CreateIndex
CREATE INDEX "ReplyTemplateFavourite_templateId_idx" ON "ReplyTemplateFavourite"("templateId");

-- CreateIndex
CREATE INDEX "ReplyTemplateUse_templateId_idx" ON "ReplyTemplateUse"("templateId");

-- CreateIndex
CREATE INDEX "Request_sourceSessionId_idx" ON "Request"("sourceSessionId");

-- CreateIndex
CREATE INDEX "Request_createdByAgentId_idx" ON "Request"("createdByAgentId");

-- CreateIndex
CREATE INDEX "Request_apiTokenId_idx" ON "Request"("apiTokenId");

-- CreateIndex
CREATE INDEX "Sale_ownerId_idx" ON "Sale"("ownerId");
