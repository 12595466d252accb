// Babel for the Taro build (both targets). NutUI components are imported one by one, each with its own plain CSS,
// so only the components we use land in the bundle.
const nutuiPackages = '@nutui/nutui-react-taro/dist/es/packages';

module.exports = {
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]],
  plugins: [
    [
      'import',
      {
        libraryName: '@nutui/nutui-react-taro',
        camel2DashComponentName: false,
        customName: (name) => `${nutuiPackages}/${name.toLowerCase()}`,
        customStyleName: (name) => `${nutuiPackages}/${name.toLowerCase()}/style/css`,
      },
      'nutui-react-taro',
    ],
  ],
};
