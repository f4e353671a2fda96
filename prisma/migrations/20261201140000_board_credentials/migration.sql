-- CreateTable
CREATE TABLE "BoardCredential" (
    "id" SERIAL NOT NULL,
    "siteId" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "issuedById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),
    "revokedById" INTEGER,

    CONSTRAINT "BoardCredential_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BoardCredential_siteId_idx" ON "BoardCredential"("siteId");

-- CreateIndex
CREATE INDEX "BoardCredential_issuedById_idx" ON "BoardCredential"("issuedById");

-- CreateIndex
CREATE INDEX "BoardCredential_revokedById_idx" ON "BoardCredential"("revokedById");

-- AddForeignKey
ALTER TABLE "BoardCredential" ADD CONSTRAINT "BoardCredential_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BoardCredential" ADD CONSTRAINT "BoardCredential_issuedById_fkey" FOREIGN KEY ("issuedById") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BoardCredential" ADD CONSTRAINT "BoardCredential_revokedById_fkey" FOREIGN KEY ("revokedById") REFERENCES "Account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

