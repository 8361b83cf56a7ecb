// Stand-in for act's main.js: the main step succeeds.
console.log('main');
