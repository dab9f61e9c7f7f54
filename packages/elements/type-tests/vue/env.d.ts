import '@v2-uploader/elements/vue';
