-- One log of personal-data reads for volunteers and beneficiaries: PersonalDataRead gains a
-- subject type (its volunteerId becomes subjectId), the fields of beneficiaries, and the
-- operation; the rows of BeneficiaryDataAccess (one per read with a list of fields) move into it
-- as one row per field, and that table goes.

-- CreateEnum
CREATE TYPE "PersonalDataSubject" AS ENUM ('VOLUNTEER', 'BENEFICIARY');

-- Widen PersonalDataField by replacing the type, so the new values can be used in this transaction.
ALTER TYPE "PersonalDataField" RENAME TO "PersonalDataField_old";
CREATE TYPE "PersonalDataField" AS ENUM ('PHONE', 'BIRTH_DATE', 'NAME', 'ADDRESS', 'ID_NUMBER');
ALTER TABLE "PersonalDataRead" ALTER COLUMN "field" TYPE "PersonalDataField" USING ("field"::text::"PersonalDataField");
DROP TYPE "PersonalDataField_old";

-- Volunteers' reads keep their rows: volunteerId becomes subjectId.
ALTER TABLE "PersonalDataRead" DROP CONSTRAINT "PersonalDataRead_volunteerId_fkey";
DROP INDEX "PersonalDataRead_volunteerId_readAt_idx";
ALTER TABLE "PersonalDataRead" RENAME COLUMN "volunteerId" TO "subjectId";
ALTER TABLE "PersonalDataRead" ADD COLUMN "operation" TEXT,
ADD COLUMN "subjectType" "PersonalDataSubject" NOT NULL DEFAULT 'VOLUNTEER';
ALTER TABLE "PersonalDataRead" ALTER COLUMN "subjectType" DROP DEFAULT;

-- Beneficiaries' reads move over, one row per field read.
INSERT INTO "PersonalDataRead" ("readerAccountId", "subjectType", "subjectId", "field", "operation", "readAt")
SELECT a."accountId", 'BENEFICIARY', a."beneficiaryId",
       (CASE f WHEN 'name' THEN 'NAME' WHEN 'phone' THEN 'PHONE' WHEN 'address' THEN 'ADDRESS' WHEN 'idNumber' THEN 'ID_NUMBER' END)::"PersonalDataField",
       a."operation", a."accessedAt"
FROM "BeneficiaryDataAccess" a
CROSS JOIN LATERAL unnest(a."fields") AS f
WHERE f IN ('name', 'phone', 'address', 'idNumber')
  AND EXISTS (SELECT 1 FROM "Account" acc WHERE acc."id" = a."accountId")
ORDER BY a."accessedAt", a."id", f;

-- DropForeignKey
ALTER TABLE "BeneficiaryDataAccess" DROP CONSTRAINT "BeneficiaryDataAccess_beneficiaryId_fkey";

-- DropTable
DROP TABLE "BeneficiaryDataAccess";

-- CreateIndex
CREATE INDEX "PersonalDataRead_subjectType_subjectId_readAt_idx" ON "PersonalDataRead"("subjectType", "subjectId", "readAt");
