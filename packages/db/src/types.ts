import type { AcquisitionRequest, Source } from "@kmcp/core";
import type { AcquisitionRequest as PrismaRequest, Source as PrismaSource } from "./generated/prisma/client.js";

// The domain's shapes are @kmcp/core's; these fail to compile if the Prisma schema drifts from them.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const SOURCE_MATCHES_PRISMA: Same<Source, Omit<PrismaSource, "changeTxid">> = true;
export const REQUEST_MATCHES_PRISMA: Same<AcquisitionRequest, PrismaRequest> = true;
