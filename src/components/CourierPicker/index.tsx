import Taro from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import { useState } from 'react';
import ChoiceChips, { type Choice } from '../ChoiceChips';
import { TRACKING_NO_PATTERN } from '../../core/settings';
import { COMMON_COURIERS, courierOfTrackingNo } from './couriers';
import './index.scss';

export { shipmentProblem } from './couriers';

const OTHER = '其他';

interface Props {
  company: string;
  trackingNo: string;
  onCompany: (company: string) => void;
  onTrackingNo: (trackingNo: string) => void;
}

const CHOICES: Choice<string>[] = [...COMMON_COURIERS, OTHER].map((name) => ({ key: name, label: name }));

/**
 * The courier and tracking number of a shipment: chips of the common couriers, 其他 for a name typed in,
 * and 扫一扫 of the waybill's barcode in WeChat (`scanCode` does not exist in a browser, so H5 hides it).
 */
export default function CourierPicker({ company, trackingNo, onCompany, onTrackingNo }: Props) {
  const common = (COMMON_COURIERS as readonly string[]).includes(company);
  const [other, setOther] = useState(company !== '' && !common);
  const selected = other ? OTHER : common ? company : undefined;
  const canScan = process.env.TARO_ENV === 'weapp';

  const choose = (key: string) => {
    if (key === OTHER) {
      setOther(true);
      if (common) onCompany('');
      return;
    }
    setOther(false);
    onCompany(key);
  };

  const scan = async () => {
    let scanned: string;
    try {
      const r = await Taro.scanCode({ onlyFromCamera: false, scanType: ['barCode', 'qrCode'] });
      scanned = r.result.trim();
    } catch (e) {
      const msg = (e as { errMsg?: string }).errMsg ?? '';
      if (!/cancel/.test(msg)) void Taro.showToast({ title: '扫码失败，请手动填写快递单号', icon: 'none' });
      return;
    }
    if (!TRACKING_NO_PATTERN.test(scanned)) {
      void Taro.showToast({ title: '没有识别到快递单号，请对准面单上的条形码', icon: 'none' });
      return;
    }
    onTrackingNo(scanned);
    const guessed = courierOfTrackingNo(scanned);
    if (!company.trim() && guessed) {
      setOther(false);
      onCompany(guessed);
    }
  };

  return (
    <View className="courier">
      <Text className="courier__label">快递公司</Text>
      <View className="courier__chips">
        <ChoiceChips choices={CHOICES} value={selected} onChange={choose} />
      </View>
      {other && (
        <View className="field">
          <Text className="field__label">其他快递</Text>
          <Input
            className="field__input"
            value={company}
            maxlength={30}
            placeholder="请输入快递公司名称"
            focus
            onInput={(e) => onCompany(e.detail.value)}
          />
        </View>
      )}
      <View className="field courier__no">
        <Text className="field__label">快递单号</Text>
        <Input
          className="field__input"
          value={trackingNo}
          maxlength={40}
          placeholder="请填写完整单号"
          onInput={(e) => onTrackingNo(e.detail.value)}
        />
        {canScan && (
          <Button className="courier__scan" onClick={() => void scan()}>
            扫一扫
          </Button>
        )}
      </View>
    </View>
  );
}
