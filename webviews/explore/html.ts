/** The design-space view's page (client/explore-panel.ts and the browser tests). */
import { viewPage } from '../shared/html';

export interface ExploreHtmlOptions {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

export function exploreHtml(o: ExploreHtmlOptions): string {
  return viewPage({ ...o, title: 'VTA design space', label: 'VTA design space' });
}
