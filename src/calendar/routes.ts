import type { Plugin } from 'graphql-yoga';
import type { AppServices } from '../context.js';
export function useCalendarRoutes(_services: AppServices): Plugin {
  return {};
}
