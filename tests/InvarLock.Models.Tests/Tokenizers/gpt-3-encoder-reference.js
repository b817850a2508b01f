// Reference encoder for the Parity tests: reads a JSON array of strings from the file named by argv[3] and prints a
// JSON array with the GPT-2 token ids of each, computed by the npm package gpt-3-encoder installed under argv[2]
// (<repo>/.tools/node_modules). Install it with tests/tools/install-tokenizer-reference.sh.
'use strict';
const fs = require('fs');
const path = require('path');
const encoder = require(path.join(process.argv[2], 'gpt-3-encoder'));
const texts = JSON.parse(fs.readFileSync(process.argv[3], 'utf-8'));
process.stdout.write(JSON.stringify(texts.map(t => encoder.encode(t))));
