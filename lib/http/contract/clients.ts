/** Client (studio / show) routes: shares, cloud permission, budgets, usage. */
import { z } from "zod";
import { defineRoute } from "../route.ts";
import { day, id, idParams, isoOut } from "./common.ts";

const share = z.number({ error: "expected a number between 0 and 1" }).min(0, "must be at least 0").max(1, "must be at most 1");
const money = z.number({ error: "expected a number" }).nonnegative("must not be negative");

export const clientView = z.object({
  id: z.string(),
  name: z.string(),
  guaranteedShare: z.number(),
  maxShare: z.number(),
  cloudAllowed: z.boolean(),
  cloudBudgetPerMonth: z.number(),
  cloudBudgetLeft: z.number(),
  createdAt: isoOut,
});

const sharesConsistent = (v: { guaranteedShare?: number; maxShare?: number }) =>
  v.guaranteedShare === undefined || v.maxShare === undefined || v.guaranteedShare <= v.maxShare;
const sharesError = { error: "must be at least guaranteedShare", path: ["maxShare"] };
const sharesRule = "maxShare must be at least guaranteedShare (when both are given; a PATCH is checked against the stored values too).";

export const createClientBody = z.strictObject({
  id,
  name: z.string().min(1).max(200),
  guaranteedShare: share.default(0),
  maxShare: share.default(1),
  cloudAllowed: z.boolean().default(false),
  cloudBudgetPerMonth: money.default(0),
}).refine(sharesConsistent, sharesError).meta({ description: sharesRule });

export const updateClientBody = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  guaranteedShare: share.optional(),
  maxShare: share.optional(),
  cloudAllowed: z.boolean().optional(),
  cloudBudgetPerMonth: money.optional(),
  cloudBudgetLeft: money.optional(),
}).refine(sharesConsistent, sharesError)
  .refine((v) => Object.keys(v).length > 0, { error: "name at least one field to change", when: (p) => p.issues.length === 0 })
  .meta({ description: `At least one field. ${sharesRule}`, minProperties: 1 });

const usageFields = {
  onpremNodeHours: z.number(),
  cloudNodeHours: z.number(),
  cloudCost: z.number(),
  energyKWh: z.number(),
  energyCost: z.number(),
  tasks: z.number(),
};

export const usageView = z.object({
  clientId: z.string(),
  from: z.string(),
  to: z.string(),
  days: z.array(z.object({ day: z.string(), ...usageFields })),
  totals: z.object(usageFields),
});

export const listClients = defineRoute({
  operationId: "listClients", method: "GET", path: "/clients", tag: "clients",
  summary: "All clients with their shares and budgets", accepts: ["operator"],
  response: z.object({ items: z.array(clientView) }),
});

export const createClient = defineRoute({
  operationId: "createClient", method: "POST", path: "/clients", tag: "clients", status: 201,
  summary: "Add a client (studio or show)", accepts: ["operator"],
  body: createClientBody, response: clientView,
});

export const getClient = defineRoute({
  operationId: "getClient", method: "GET", path: "/clients/{id}", tag: "clients",
  summary: "One client (operators: any; clients: themselves)", accepts: ["operator", "client"],
  params: idParams, response: clientView,
});

export const updateClient = defineRoute({
  operationId: "updateClient", method: "PATCH", path: "/clients/{id}", tag: "clients",
  summary: "Change shares, cloud permission or budgets", accepts: ["operator"],
  params: idParams, body: updateClientBody, response: clientView,
});

export const getClientUsage = defineRoute({
  operationId: "getClientUsage", method: "GET", path: "/clients/{id}/usage", tag: "clients",
  summary: "Node-hours, cloud cost and energy by day (what the farm bills by)", accepts: ["operator", "client"],
  params: idParams,
  query: z.strictObject({ from: day, to: day.describe("must not be before from") })
    .refine((q) => q.from <= q.to, { error: "must not be before from", path: ["to"] }),
  response: usageView,
});
