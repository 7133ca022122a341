import { formatVta } from '../core/lsp-support/format';
for (const t of ['; 3x3\r \n', '; c\r\n', 'nop ld\r \n']) console.log(JSON.stringify(t), '->', JSON.stringify(formatVta(t)));
