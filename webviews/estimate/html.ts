/**
 * The network estimate view's page (client/estimate-panel.ts and the browser test): the
 * estimate travels in the page as JSON in a data attribute; the script
 * (dist/webviews/estimate.js) builds the sortable table from it.
 */
import type { NetworkEstimateJson } from '../../core/schedule/network';
import { viewPage } from '../shared/html';

export interface EstimateHtmlOptions {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** The estimate of one network (`vta estimate --format json`'s `networks[i]`). */
  estimate: NetworkEstimateJson;
  /** The schedule's file name. */
  file: string;
}

export function estimateHtml(o: EstimateHtmlOptions): string {
  return viewPage({
    ...o,
    title: `VTA estimate: ${o.estimate.name}`,
    label: 'VTA network estimate',
    data: { file: o.file, estimate: JSON.stringify(o.estimate) },
  });
}
