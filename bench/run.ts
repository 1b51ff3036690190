// Entry point of `npm run bench`; the sections are being written (issue 8).
console.log('no benchmark sections yet');
