import { brandPage } from './brand.ts';
import { homePage } from './home.ts';
import { jobsPage } from './jobs.ts';
import { loadPage } from './load.ts';
import { onboardingPage } from './onboarding.ts';
import { recommendationsPage } from './recommendations.ts';
import type { PageDefinition } from './page.ts';
import { scorecardsPage } from './scorecards.ts';

/**
 * Every dashboard page, in the order the navigation bar and the home page list them. Adding a page: one file in
 * this folder (definePage) and one entry here; see dashboards/README.md.
 */
export const PAGES: PageDefinition<never, never>[] = [homePage, scorecardsPage, brandPage, recommendationsPage, onboardingPage, loadPage, jobsPage] as unknown as PageDefinition<never, never>[];
