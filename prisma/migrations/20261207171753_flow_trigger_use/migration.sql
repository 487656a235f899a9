-- CreateTable
CREATE TABLE "FlowTriggerUse" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL,
    "changedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "FlowTriggerUse_shop_handle_key" ON "FlowTriggerUse"("shop", "handle");

