/**
 * The language server's features per language, as Langium finds a language's services
 * by the document: one table, `{ vta, vtasched }`, each with the same features (every
 * request the server announces), so that a feature is one entry per language and no
 * handler asks which language it serves. A language without a feature says so with
 * `none`. server.ts routes each request to the entry of its document's language.
 */
import type {
  CodeAction,
  CodeActionParams,
  CodeLens,
  CodeLensParams,
  CompletionItem,
  CompletionParams,
  DefinitionParams,
  DocumentFormattingParams,
  DocumentHighlight,
  DocumentHighlightParams,
  DocumentLink,
  DocumentLinkParams,
  DocumentSymbol,
  DocumentSymbolParams,
  FoldingRange,
  FoldingRangeParams,
  Hover,
  HoverParams,
  InlayHint,
  InlayHintParams,
  Location,
  PrepareRenameParams,
  Range,
  ReferenceParams,
  RenameParams,
  SemanticTokens,
  SemanticTokensParams,
  SignatureHelp,
  SignatureHelpParams,
  TextDocuments,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { formatVta } from '../../core/lsp-support/format';
import { codeActionsSched, codeActionsVta } from './actions';
import { completeSched, completeVta, signatureVta } from './completion';
import { hexHover } from './hex-hover';
import { hoverSched, hoverVta } from './hover';
import { inlayHintsSched, inlayHintsVta } from './inlay';
import { codeLensesSched, codeLensesVta, documentLinksVta } from './links';
import { definition, highlights, prepareRename, references, rename, type Includers } from './navigation';
import { documentSymbolsSched, documentSymbolsVta, foldingSched, foldingVta } from './outline';
import type { VtaTarget } from '../../core/isa';
import type { ScheduleTuner } from './schedule-tuner';
import { semanticTokensSched, semanticTokensVta } from './semantic';
import type { SchedAnalysis, VtaAnalysis, Workspace } from './workspace';

/** Each feature's params and answer. */
export interface FeatureTypes {
  hover: [HoverParams, Hover | null];
  completion: [CompletionParams, CompletionItem[]];
  signatureHelp: [SignatureHelpParams, SignatureHelp | null];
  definition: [DefinitionParams, Location | null];
  references: [ReferenceParams, Location[]];
  documentHighlight: [DocumentHighlightParams, DocumentHighlight[]];
  prepareRename: [PrepareRenameParams, { range: Range; placeholder: string } | null];
  rename: [RenameParams, WorkspaceEdit | null];
  documentSymbol: [DocumentSymbolParams, DocumentSymbol[]];
  foldingRange: [FoldingRangeParams, FoldingRange[]];
  semanticTokens: [SemanticTokensParams, SemanticTokens];
  inlayHint: [InlayHintParams, InlayHint[]];
  codeAction: [CodeActionParams, CodeAction[]];
  formatting: [DocumentFormattingParams, TextEdit[]];
  documentLink: [DocumentLinkParams, DocumentLink[]];
  codeLens: [CodeLensParams, CodeLens[]];
}
export type Feature = keyof FeatureTypes;

/**
 * How each feature is served whatever the language: the LSP method, the answer when
 * there is nothing to say (or the feature failed), the params it reads (checked first:
 * params.ts), and whether it reads the assembled program (then it first waits, briefly,
 * until the checks worker has measured what the program costs: Workspace.deferred).
 */
export const FEATURES: {
  [F in Feature]: { method: string; empty: FeatureTypes[F][1]; required: readonly string[]; readsProgram?: true };
} = {
  hover: { method: 'textDocument/hover', empty: null, required: ['textDocument', 'position'], readsProgram: true },
  completion: {
    method: 'textDocument/completion',
    empty: [],
    required: ['textDocument', 'position'],
    readsProgram: true,
  },
  signatureHelp: { method: 'textDocument/signatureHelp', empty: null, required: ['textDocument', 'position'] },
  definition: { method: 'textDocument/definition', empty: null, required: ['textDocument', 'position'] },
  references: { method: 'textDocument/references', empty: [], required: ['textDocument', 'position', 'context'] },
  documentHighlight: { method: 'textDocument/documentHighlight', empty: [], required: ['textDocument', 'position'] },
  prepareRename: { method: 'textDocument/prepareRename', empty: null, required: ['textDocument', 'position'] },
  rename: { method: 'textDocument/rename', empty: null, required: ['textDocument', 'position', 'newName'] },
  documentSymbol: { method: 'textDocument/documentSymbol', empty: [], required: ['textDocument'] },
  foldingRange: { method: 'textDocument/foldingRange', empty: [], required: ['textDocument'] },
  semanticTokens: { method: 'textDocument/semanticTokens/full', empty: { data: [] }, required: ['textDocument'] },
  inlayHint: { method: 'textDocument/inlayHint', empty: [], required: ['textDocument', 'range'], readsProgram: true },
  codeAction: {
    method: 'textDocument/codeAction',
    empty: [],
    required: ['textDocument', 'range', 'context'],
    readsProgram: true,
  },
  formatting: { method: 'textDocument/formatting', empty: [], required: ['textDocument'] },
  documentLink: { method: 'textDocument/documentLink', empty: [], required: ['textDocument'] },
  codeLens: { method: 'textDocument/codeLens', empty: [], required: ['textDocument'] },
};

/**
 * A feature of one language: its document's analysis, the params and what the server
 * holds, to the answer (or a promise of it).
 */
type FeatureOf<A, F extends Feature> = (
  a: A,
  p: FeatureTypes[F][0],
  ctx: FeatureContext,
) => FeatureTypes[F][1] | Promise<FeatureTypes[F][1]>;

/** One language's entry: how to analyse its document, and every feature. */
export interface LanguageFeatures<A> {
  analysis(ws: Workspace, uri: string): A | undefined;
  features: { [F in Feature]: FeatureOf<A, F> | typeof none };
}

/** A feature the language does not have: the request is answered with the feature's `empty`. */
export const none = 'none' as const;

/** What the features read besides their document's analysis. */
export interface FeatureContext {
  ws: Workspace;
  documents: TextDocuments<TextDocument>;
  tuner: ScheduleTuner;
  /** Analyses of the files that include a definition's file (references and rename across files). */
  includers: Includers;
}

/** How long a hover on a schedule layer waits for the layer's lowered figures. */
const HOVER_WAIT_MS = 4000;

/** A hex word (an instruction or micro-op) explained, in any document: decoded for the document's target, else the setting's. */
function hex(
  { ws, documents }: FeatureContext,
  p: HoverParams,
  target: () => VtaTarget | undefined = () => undefined,
): Hover | null {
  return hexHover(documents.get(p.textDocument.uri), p.position, () => target() ?? ws.settingTarget);
}

/** The table: every feature of every language. */
export const LANGUAGES: { vta: LanguageFeatures<VtaAnalysis>; vtasched: LanguageFeatures<SchedAnalysis> } = {
  vta: {
    analysis: (ws, uri) => ws.vta(uri),
    features: {
      hover: (a, p, ctx) => hex(ctx, p, () => a.result.program?.target) ?? hoverVta(ctx.ws, a, p.position),
      completion: (a, p) => completeVta(a, a.text, p.position),
      signatureHelp: (a, p) => signatureVta(a.text, p.position),
      definition: (a, p) => definition(a, p.position),
      references: (a, p, ctx) => references(a, p.position, p.context.includeDeclaration, ctx.includers),
      documentHighlight: (a, p) => highlights(a, p.position),
      prepareRename: (a, p) => prepareRename(a, p.position),
      rename: (a, p, ctx) => rename(a, p.position, p.newName, ctx.includers),
      documentSymbol: (a) => documentSymbolsVta(a),
      foldingRange: (a) => foldingVta(a),
      semanticTokens: (a) =>
        semanticTokensVta({
          text: a.text,
          statements: a.ast.statements,
          defs: a.symbols.defs,
          refs: a.symbols.refs,
          file: a.file,
        }),
      inlayHint: (a, p, { ws }) => {
        // Without the program now: the editor is asked again once the checks have it.
        if (ws.deferred(a.uri)) ws.hintsWithoutProgram.add(a.uri);
        return inlayHintsVta(ws, a, p.range);
      },
      codeAction: (a, p, { ws }) => codeActionsVta(ws, a, p),
      formatting: (a, _p, { documents }) => {
        const out = formatVta(a.text);
        const doc = documents.get(a.uri);
        if (out === undefined || out === a.text || !doc) return [];
        return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(a.text.length) }, newText: out }];
      },
      documentLink: (a, _p, { ws }) => documentLinksVta(ws, a),
      codeLens: (a) => codeLensesVta(a),
    },
  },
  vtasched: {
    analysis: (ws, uri) => ws.vtasched(uri),
    features: {
      hover: async (a, p, ctx) => {
        const h = hex(ctx, p);
        if (h) return h;
        // A layer's hover shows its lowered figures: the layer under the cursor is lowered (off the thread) first,
        // for at most a few seconds; past that the hover answers with what it has (the lint's figures).
        const op = a.ast.statements.find(
          (x) => x.kind === 'operator' && x.range.start.line <= p.position.line && p.position.line <= x.range.end.line,
        );
        if (op?.kind === 'operator')
          await Promise.race([
            ctx.ws.lowered(a, op).catch(() => undefined),
            new Promise((r) => setTimeout(r, HOVER_WAIT_MS)),
          ]);
        const now = ctx.ws.vtasched(a.uri);
        return now ? hoverSched(ctx.ws, now, p.position, ctx.tuner) : null;
      },
      completion: (a, p) => completeSched(a, p.position),
      signatureHelp: none,
      definition: none,
      references: none,
      documentHighlight: none,
      prepareRename: none,
      rename: none,
      documentSymbol: (a) => documentSymbolsSched(a),
      foldingRange: (a) => foldingSched(a),
      semanticTokens: (a) => semanticTokensSched(a.ast),
      inlayHint: (a, p, { ws }) => inlayHintsSched(ws, a, p.range),
      codeAction: (a, p, { tuner }) => codeActionsSched(a, p, tuner),
      formatting: none,
      documentLink: none,
      codeLens: (a, _p, { ws }) => codeLensesSched(a, ws),
    },
  },
};
