/**
 * The open documents' texts, kept as vscode-languageserver-textdocument keeps them,
 * with one difference: a document closed and opened again with the same text keeps
 * the line table it had.
 *
 * Why: that library updates its table of line starts per edit, and after an edit that
 * splits or joins a CR LF pair (a text with lone CRs) its table differs from the one a
 * fresh document computes. A client that mirrors its documents with the same library
 * (test harnesses and some editors' LSP layers do) keeps its table across close and
 * open; a server that built a fresh one on reopen would read that client's later
 * positions differently, and the two texts would drift apart with every edit. VS Code
 * normalises a document's line ends, so for it the two tables never differ.
 */
import { TextDocuments, type TextDocumentsConfiguration } from 'vscode-languageserver/node';
import { TextDocument, type Position } from 'vscode-languageserver-textdocument';

/** Closed documents remembered for a reopen (the most recently closed). */
const REMEMBERED = 16;

export function openDocuments(): TextDocuments<TextDocument> {
  const closed = new Map<string, TextDocument>();
  const config: TextDocumentsConfiguration<TextDocument> = {
    create(uri, languageId, version, content) {
      const old = closed.get(uri);
      closed.delete(uri);
      if (old && old.languageId === languageId && old.getText() === content)
        return TextDocument.update(old, [], version);
      return TextDocument.create(uri, languageId, version, content);
    },
    update: (doc, changes, version) => TextDocument.update(doc, changes.map(asSent), version),
  };
  const documents = new TextDocuments(config);
  documents.onDidClose((e) => {
    closed.delete(e.document.uri);
    closed.set(e.document.uri, e.document);
    if (closed.size > REMEMBERED) closed.delete(closed.keys().next().value!);
  });
  return documents;
}

type Change = Parameters<TextDocumentsConfiguration<TextDocument>['update']>[1][number];

/**
 * A change as its sender's mirror applied it. A position's `null` is a NaN that JSON
 * could not carry (a client computing a position from a missing offset): the library
 * reads NaN as the text's start, but `null` as 0 characters into the line, so the two
 * copies would differ from then on. Read as NaN, the change does to our copy what it
 * did to the sender's.
 */
function asSent(c: Change): Change {
  if (!('range' in c)) return c;
  const nan = (p: Position) => ({ line: p.line ?? Number.NaN, character: p.character ?? Number.NaN });
  return { ...c, range: { start: nan(c.range.start), end: nan(c.range.end) } };
}
