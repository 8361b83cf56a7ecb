// Stand-in for act's post.js: the post step fails when input `fail` is `true`.
console.log('post');
if (process.env['INPUT_FAIL'] === 'true') process.exit(1);
