// webpack 5 finds the hash worker by itself (`new Worker(new URL(…, import.meta.url))` in
// @v2-uploader/core) and emits it as its own chunk. The Supabase URL and publishable key come
// from the environment at build time, through DefinePlugin.
import HtmlWebpackPlugin from 'html-webpack-plugin';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';

const here = path.dirname(fileURLToPath(import.meta.url));

export default {
  entry: './src/main.js',
  output: { path: path.join(here, 'dist'), filename: '[name].[contenthash].js', clean: true },
  plugins: [
    new HtmlWebpackPlugin({ template: './src/index.html' }),
    new webpack.DefinePlugin({
      'process.env.SUPABASE_URL': JSON.stringify(process.env.SUPABASE_URL),
      'process.env.SUPABASE_PUBLISHABLE_KEY': JSON.stringify(process.env.SUPABASE_PUBLISHABLE_KEY),
    }),
  ],
};
