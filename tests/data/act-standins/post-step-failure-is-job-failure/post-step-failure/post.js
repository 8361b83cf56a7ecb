// Stand-in for act's post.js: the post step exits 1.
console.log('post');
process.exit(1);
