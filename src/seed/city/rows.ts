/** The demo city's moment and size, and its rows: exactly the columns written, ids included (src/seed/city/index.ts). */
import type { Gender, ProjectCategory, ProjectStatus, SiteLevel, VolunteerStatus } from '../../generated/prisma/client.js';
import { calendarDate, shanghaiWallClock } from '../../roster/time.js';

/** The moment the demo data describes: nothing in it happens later than this. */
export const DEMO_AS_OF = shanghaiWallClock(calendarDate(2026, 11, 28), 20 * 60);

export const VOLUNTEER_COUNT = 2000;

export const DAY_MS = 86_400_000;

export interface SiteRow {
  id: number;
  name: string;
  level: SiteLevel;
  parentId: number | null;
  path: string;
  address: string;
  services: string[];
  hostOrganization: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface VolunteerRow {
  id: number;
  name: string;
  phone: string;
  gender: Gender;
  birthDate: Date;
  skills: string[];
  homeSiteId: number;
  status: VolunteerStatus;
  registeredAt: Date;
  updatedAt: Date;
}

export interface TeamRow {
  id: number;
  name: string;
  description: string | null;
  siteId: number;
  leaderId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface MembershipRow {
  id: number;
  teamId: number;
  volunteerId: number;
  joinedAt: Date;
}

export interface BrandRow {
  id: number;
  name: string;
  description: string | null;
  teamId: number | null;
  siteId: number | null;
  createdAt: Date;
}

export interface ProjectRow {
  id: number;
  title: string;
  description: string;
  category: ProjectCategory;
  status: ProjectStatus;
  brandId: number | null;
  organizerId: number;
  siteId: number;
  startsOn: Date;
  endsOn: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** Everything the city part seeds, with lookups by the stable keys of src/seed/data.ts. */
export interface DemoCity {
  asOf: Date;
  sites: SiteRow[];
  volunteers: VolunteerRow[];
  teams: TeamRow[];
  memberships: MembershipRow[];
  brands: BrandRow[];
  projects: ProjectRow[];
  siteByKey: Record<string, SiteRow>;
  teamByKey: Record<string, TeamRow>;
  brandByKey: Record<string, BrandRow>;
  projectByKey: Record<string, ProjectRow>;
}
